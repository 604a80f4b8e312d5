"""Names and units of the sample district (示例区名录): streets, communities, departments, enterprises.

Everything here is fictional. Codes follow one scheme: ``SLQ`` the district, ``S01``… streets and
townships, ``S01-C01``… their communities or villages, ``D-…`` district departments, ``M-…`` municipal
departments, ``P-…`` public-service enterprises, ``H-12345`` the hotline centre.
"""

from __future__ import annotations

from typing import Final

CITY: Final = "示例市"
DISTRICT_CODE: Final = "SLQ"
DISTRICT_NAME: Final = "示例区"
HOTLINE_CODE: Final = "H-12345"

# Urban streets in naming order (clockwise from north); 镜湖街道 takes the street round the lake.
STREET_NAMES: Final = (
    "北辰街道",
    "朝晖街道",
    "东湖街道",
    "临港街道",
    "科技园街道",
    "南关街道",
    "文昌街道",
    "西苑街道",
    "和平里街道",
    "新华街道",
    "滨河街道",
)
LAKE_STREET_NAME: Final = "镜湖街道"
TOWNSHIP_NAMES: Final = ("杨柳镇", "桃花乡")

COMMUNITY_STEMS: Final = (
    "幸福", "光明", "团结", "友谊", "建设", "民主", "康乐", "和谐", "春晖", "丽景",
    "翠微", "金桥", "银河", "青年路", "红星", "东方", "星光", "锦绣", "紫荆", "枫林",
    "桃园", "柳荫", "松竹", "梅园", "兰亭", "荷塘", "南湖", "北园", "西坝", "东坝",
    "晨光", "育才", "文华", "书香", "惠民", "安居", "乐业", "祥和", "瑞祥", "富强",
    "振兴", "兴隆", "永安", "长青", "碧水", "云景", "天宁", "华苑", "嘉园", "新城",
    "凤凰", "麒麟", "花溪", "芳草", "绿洲", "金色家园", "怡景", "明珠", "海棠", "丁香",
    "玉兰", "银杏", "望湖", "临湖", "湖畔", "科苑", "创业", "港湾", "码头", "铁路",
    "电厂", "纺织", "机床", "钢厂宿舍", "师范", "医学院", "胜利", "解放", "复兴", "朝阳",
    "长虹", "向阳", "新风", "前进", "跃进", "和平", "平安", "吉祥", "如意",
)  # fmt: skip
VILLAGE_STEMS: Final = (
    "张庄", "李营", "王各庄", "刘家店", "前屯", "后屯", "马坊", "北务", "南务", "大辛庄",
    "小辛庄", "东马各庄", "西马各庄", "柳园", "杨庄", "杏花", "桃花峪", "沙河", "石桥", "河西",
)  # fmt: skip
ENCLAVE_VILLAGE_NAME: Final = "飞地村"

# (code, name, kind, parent); parent None for units outside the district's hierarchy.
DEPARTMENTS: Final = (
    ("D-ZJW", "示例区住房和城乡建设委员会", "district_department", DISTRICT_CODE),
    ("D-CGW", "示例区城市管理委员会", "district_department", DISTRICT_CODE),
    ("D-CGJ", "示例区城市管理综合行政执法局", "district_department", DISTRICT_CODE),
    ("D-SCJ", "示例区市场监督管理局", "district_department", DISTRICT_CODE),
    ("D-STJ", "示例区生态环境局", "district_department", DISTRICT_CODE),
    ("D-JTW", "示例区交通委员会", "district_department", DISTRICT_CODE),
    ("D-SWJ", "示例区水务局", "district_department", DISTRICT_CODE),
    ("D-YLJ", "示例区园林绿化局", "district_department", DISTRICT_CODE),
    ("D-WJW", "示例区卫生健康委员会", "district_department", DISTRICT_CODE),
    ("D-JW", "示例区教育委员会", "district_department", DISTRICT_CODE),
    ("D-RSJ", "示例区人力资源和社会保障局", "district_department", DISTRICT_CODE),
    ("D-MZJ", "示例区民政局", "district_department", DISTRICT_CODE),
    ("D-GAJ", "示例市公安局示例分局", "district_department", DISTRICT_CODE),
    ("D-YJJ", "示例区应急管理局", "district_department", DISTRICT_CODE),
    ("D-NYJ", "示例区农业农村局", "district_department", DISTRICT_CODE),
    ("D-YBJ", "示例区医疗保障局", "district_department", DISTRICT_CODE),
    ("D-ZWJ", "示例区政务服务管理局", "district_department", DISTRICT_CODE),
    ("D-WLJ", "示例区文化和旅游局", "district_department", DISTRICT_CODE),
    ("D-TYJ", "示例区体育局", "district_department", DISTRICT_CODE),
    ("D-SWU", "示例区商务局", "district_department", DISTRICT_CODE),
    ("D-CL", "示例区残疾人联合会", "district_department", DISTRICT_CODE),
    ("D-XFZ", "示例区消防救援支队", "district_department", DISTRICT_CODE),
    ("D-GHF", "示例市规划和自然资源委员会示例分局", "district_department", DISTRICT_CODE),
    ("M-JGJ", "示例市公安局公安交通管理局", "municipal_department", None),
    ("M-JTW", "示例市交通委员会", "municipal_department", None),
    ("M-ZJW", "示例市住房和城乡建设委员会", "municipal_department", None),
    ("M-GJJ", "示例市住房公积金管理中心", "municipal_department", None),
    ("M-SWJ", "国家税务总局示例市税务局", "municipal_department", None),
    ("M-RSJ", "示例市人力资源和社会保障局", "municipal_department", None),
    ("M-SCJ", "示例市市场监督管理局", "municipal_department", None),
    ("M-TXJ", "示例市通信管理局", "municipal_department", None),
    ("P-WATER", "示例市自来水集团", "public_service", None),
    ("P-DRAIN", "示例市排水集团", "public_service", None),
    ("P-POWER", "国网示例市电力公司示例区供电公司", "public_service", None),
    ("P-GAS", "示例市燃气集团", "public_service", None),
    ("P-HEAT", "示例市热力集团", "public_service", None),
    ("P-CT", "中国电信示例市分公司", "public_service", None),
    ("P-CM", "中国移动示例市分公司", "public_service", None),
    ("P-CU", "中国联通示例市分公司", "public_service", None),
    ("P-BUS", "示例市公共交通集团", "public_service", None),
    ("P-RAIL", "示例市轨道交通运营公司", "public_service", None),
    ("P-POST", "中国邮政示例市分公司", "public_service", None),
    (HOTLINE_CODE, "示例区12345市民服务热线分中心", "hotline", DISTRICT_CODE),
)
